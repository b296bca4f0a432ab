import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by `comptoir serve` at /agent/. In development (`npm run dev`) the API calls go
// to the server named by COMPTOIR_URL (default http://127.0.0.1:8080).
const target = process.env.COMPTOIR_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/agent/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target, ws: true },
      '/access': { target },
    },
  },
});
