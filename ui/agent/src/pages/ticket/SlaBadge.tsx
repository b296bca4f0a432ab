// The SLA badge: the metric that breaches next (GET /tickets/{id}?include=slas), its stage
// and the time left, in words and colour; refreshed every minute.
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { useI18n, type MessageKey } from '../../i18n';
import type { FullTicket, SlaMetric } from './types';

export function formatMinutes(total: number): string {
  const m = Math.abs(total);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  return `${min} min`;
}

// The metric to show: the running one that breaches first, else a breached one, else
// paused, else achieved.
export function nextMetric(list: SlaMetric[]): SlaMetric | null {
  const rank = (m: SlaMetric) => ({ breached: 0, active: 1, paused: 2, achieved: 3 })[m.stage] ?? 4;
  const sorted = [...list].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r !== 0) return r;
    return (a.remaining_minutes ?? Infinity) - (b.remaining_minutes ?? Infinity);
  });
  return sorted[0] ?? null;
}

export function SlaBadge(props: { ticketId: number; refresh: number }) {
  const { t } = useI18n();
  const [metrics, setMetrics] = useState<SlaMetric[] | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      get<{ ticket: FullTicket }>(`/api/v2/tickets/${props.ticketId}?include=slas`)
        .then((r) => live && setMetrics(r.ticket.slas?.policy_metrics ?? []))
        .catch(() => {});
    void load();
    const timer = window.setInterval(load, 60000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [props.ticketId, props.refresh]);
  if (!metrics || metrics.length === 0) return null;
  const m = nextMetric(metrics);
  if (!m) return null;
  const metricKey = `tk.sla.${m.metric}` as MessageKey;
  const metric = t(metricKey) === metricKey ? m.metric : t(metricKey);
  let text: string;
  let tone: string;
  const left = m.remaining_minutes;
  if (m.stage === 'achieved') {
    text = t('tk.sla.achieved', { metric });
    tone = 'ok';
  } else if (m.stage === 'paused') {
    text = t('tk.sla.paused', { metric });
    tone = 'paused';
  } else if (m.stage === 'breached' || (left !== null && left < 0)) {
    text = t('tk.sla.breached', { metric, time: formatMinutes(left ?? 0) });
    tone = 'breached';
  } else {
    text = t('tk.sla.breachIn', { metric, time: formatMinutes(left ?? 0) });
    tone = left !== null && left <= 60 ? 'soon' : 'ok';
  }
  const icon = { ok: '◷', soon: '⚠', breached: '✖', paused: '⏸' }[tone] ?? '';
  return (
    <span className={`sla-badge sla-${tone}`} data-sla-stage={m.stage} title={m.breach_at ?? undefined}>
      <span aria-hidden="true">{icon}</span> <span className="visually-hidden">{t('tk.sla')}: </span>
      {text}
    </span>
  );
}
