// Live updates: the server's WebSocket (GET /api/v2/live) pushes ids of changed tickets;
// screens refetch what they show. Reconnects with back-off; "resync" and a reconnection
// are passed on as {type: "resync"} so that screens refetch everything.
import { useEffect, useRef, useState } from 'react';

export interface LiveEvent {
  type: string;
  ticket_id?: number;
  assignee_id?: number | null; // ticket events: the ticket's assignee now
}

// Every event is also dispatched on window as a "comptoir:live" CustomEvent (detail: the
// event), so that a component can listen without a connection of its own.
export const LIVE_EVENT = 'comptoir:live';

type Listener = (e: LiveEvent) => void;

export function useLive(onEvent: Listener): boolean {
  const listener = useRef(onEvent);
  listener.current = onEvent;
  const [online, setOnline] = useState(true);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let delay = 1000;
    let timer: number | undefined;
    let ping: number | undefined;
    let opened = false;
    const connect = () => {
      const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${location.host}/api/v2/live`);
      ws.onopen = () => {
        delay = 1000;
        setOnline(true);
        if (opened) listener.current({ type: 'resync' });
        opened = true;
        ping = window.setInterval(() => ws?.readyState === WebSocket.OPEN && ws.send('ping'), 25000);
      };
      ws.onmessage = (m) => {
        if (typeof m.data !== 'string' || m.data === 'pong') return;
        let ev: LiveEvent;
        try {
          ev = JSON.parse(m.data) as LiveEvent;
        } catch {
          return; /* not an event */
        }
        listener.current(ev);
        window.dispatchEvent(new CustomEvent<LiveEvent>(LIVE_EVENT, { detail: ev }));
      };
      ws.onclose = () => {
        window.clearInterval(ping);
        if (stopped) return;
        if (opened) setOnline(false);
        timer = window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    };
    connect();
    const back = () => {
      // The browser says the network is back: try at once.
      window.clearTimeout(timer);
      if (!ws || ws.readyState === WebSocket.CLOSED) connect();
    };
    window.addEventListener('online', back);
    return () => {
      stopped = true;
      window.removeEventListener('online', back);
      window.clearTimeout(timer);
      window.clearInterval(ping);
      ws?.close();
    };
  }, []);
  return online;
}
