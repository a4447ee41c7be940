// Server certificates Loom refused: who presented them, and a Trust button for the engineer.
import { useState } from 'preact/hooks';
import { opcuaApi } from '../opcua-api.js';
import { usePoll } from '../use-live.js';

export function OpcUaCertificates({ connector, onTrusted }: { connector: string; onTrusted(): void }) {
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const certificates = usePoll((signal) => opcuaApi.certificates(connector, signal), [connector, version], 5000);

  const trust = async (thumbprint: string) => {
    setBusy(thumbprint);
    setMessage(null);
    try {
      const { trusted } = await opcuaApi.trust(connector, thumbprint);
      setMessage({ tone: 'ok', text: `Trusted ${trusted.subject}. Loom is reconnecting now.` });
      setVersion((v) => v + 1);
      onTrusted();
    } catch (error) {
      setMessage({ tone: 'bad', text: (error as Error).message });
    } finally {
      setBusy(null);
    }
  };

  const data = certificates.data;
  return (
    <section class="panel" data-panel="certificates">
      <header class="panel-head">
        <h2>Server certificates</h2>
        <span class="muted">{data ? `${data.rejected.length} refused · ${data.trusted.length} trusted` : 'Loading…'}</span>
      </header>
      {certificates.error && <p class="error">{certificates.error}</p>}
      {message && <p class={message.tone === 'ok' ? 'ok-text' : 'bad-text'}>{message.text}</p>}
      {data && data.rejected.length === 0 && <p class="muted">No refused certificates: every server this connector met is trusted (or it uses no security).</p>}
      {data && data.rejected.length > 0 && (
        <>
          <p class="muted">
            Loom refused these certificates because nobody trusted them yet. Compare the thumbprint with the one the server shows before you trust it.
          </p>
          <table class="table">
            <thead>
              <tr>
                <th>Subject</th>
                <th>Presented by</th>
                <th>Thumbprint (SHA-1)</th>
                <th>Valid</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.rejected.map((c) => (
                <tr key={c.thumbprint} data-thumbprint={c.thumbprint}>
                  <td>
                    <div class="strong">{c.subject}</div>
                    {c.applicationUri && <div class="muted small">{c.applicationUri}</div>}
                  </td>
                  <td>{c.endpoint ? <code>{c.endpoint}</code> : <span class="muted">—</span>}</td>
                  <td>
                    <code class="thumbprint">{c.thumbprint.match(/../g)?.join(':')}</code>
                  </td>
                  <td class="small">
                    {new Date(c.validFrom).toLocaleDateString()} – {new Date(c.validTo).toLocaleDateString()}
                  </td>
                  <td>
                    <button type="button" class="primary" disabled={busy !== null} onClick={() => void trust(c.thumbprint)}>
                      {busy === c.thumbprint ? 'Trusting…' : 'Trust'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
