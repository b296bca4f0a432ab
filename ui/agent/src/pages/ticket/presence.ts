// Presence: says on the live WebSocket which ticket this tab shows
// ({"type":"viewing","ticket_id":…}) and returns the other people viewing it, from the
// server's {"type":"presence"} messages. A connection of its own, opened while a ticket
// is shown (the workspace's connection carries the ticket events).
import { useEffect, useState } from 'react';

export interface Viewer {
  user_id: number;
  name: string;
}

export function usePresence(ticketId: number, myId: number): Viewer[] {
  const [others, setOthers] = useState<Viewer[]>([]);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let timer: number | undefined;
    let ping: number | undefined;
    let delay = 1000;
    const connect = () => {
      const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${location.host}/api/v2/live`);
      ws.onopen = () => {
        delay = 1000;
        ws?.send(JSON.stringify({ type: 'viewing', ticket_id: ticketId }));
        ping = window.setInterval(() => ws?.readyState === WebSocket.OPEN && ws.send('ping'), 25000);
      };
      ws.onmessage = (m) => {
        if (typeof m.data !== 'string' || !m.data.startsWith('{')) return;
        try {
          const msg = JSON.parse(m.data) as { type: string; ticket_id?: number; viewers?: Viewer[] };
          if (msg.type === 'presence' && msg.ticket_id === ticketId) {
            setOthers((msg.viewers ?? []).filter((v) => v.user_id !== myId));
          }
        } catch {
          /* not a message for us */
        }
      };
      ws.onclose = () => {
        window.clearInterval(ping);
        setOthers([]);
        if (stopped) return;
        timer = window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      window.clearInterval(ping);
      ws?.close();
    };
  }, [ticketId, myId]);
  return others;
}
