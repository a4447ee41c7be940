// The dark bar on top: product name, navigation, plant clock and live connection state.
import { useEffect, useState } from 'preact/hooks';
import { liveStatus, type LiveStatus } from '../live.js';
import type { Route } from '../router.js';
import { formatTime, zoneLabel } from '../time.js';
import { useNow } from '../use-live.js';

interface Props {
  plantName?: string;
  active: Route['page'];
}

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  closed: 'Not live',
};

export function Header({ plantName, active }: Props) {
  const now = useNow(1000);
  const [status, setStatus] = useState(liveStatus.value);
  useEffect(() => liveStatus.subscribe(setStatus), []);
  return (
    <header class="header">
      <a class="brand" href="#/">
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <path d="M3 6h18M3 12h18M3 18h18M7 3v18M12 3v18M17 3v18" stroke="currentColor" stroke-width="1.6" fill="none" opacity=".9" />
        </svg>
        <span>Loom</span>
      </a>
      <nav class="nav">
        <a href="#/" class={active === 'overview' || active === 'asset' ? 'active' : ''}>Plant</a>
        <a href="#/oee" class={active === 'oee' ? 'active' : ''}>OEE</a>
        <a href="#/spc" class={active === 'spc' ? 'active' : ''}>SPC</a>
        <a href="#/system" class={active === 'system' ? 'active' : ''}>System</a>
      </nav>
      <div class="header-right">
        {plantName && <span class="plant-name">{plantName}</span>}
        <a class="header-link" href="docs" target="_blank" rel="noreferrer" title="REST and WebSocket API (OpenAPI)">
          API
        </a>
        {status !== 'closed' && (
          <span class={`live-indicator live-${status}`} title="Live data connection">
            <i />
            {STATUS_TEXT[status]}
          </span>
        )}
        <span class="clock" title="Plant local time">
          {formatTime(now)} <small>{zoneLabel(now)}</small>
        </span>
      </div>
    </header>
  );
}
