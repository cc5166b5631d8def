// The dashboard shell: server-rendered once, filled by the client script from the admin API.
import type { Config } from '../config.js';

const PANELS: [id: string, title: string][] = [
  ['parties', 'Parties'],
  ['locations', 'Locations'],
  ['tariffs', 'Tariffs'],
  ['tokens', 'Tokens'],
  ['authorizations', 'Authorizations'],
  ['cdrs', 'CDRs'],
  ['findings', 'Findings'],
  ['faults', 'Faults & scenarios'],
  ['journal', 'Live journal'],
];

export function DashboardPage({ config }: { config: Config }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>plugsurfing-emp-sim</title>
        <link rel="stylesheet" href="/dashboard.css" />
      </head>
      <body>
        <header>
          <h1>plugsurfing-emp-sim</h1>
          <span class="meta">
            Plugsurfing {config.countryCode}*{config.partyId} · OCPI 2.1.1 · versions: <code>{config.versionsUrl}</code> · token A:{' '}
            <code>{config.registrationToken}</code> · <a href="/docs">API docs</a>
          </span>
        </header>
        <nav>
          {PANELS.map(([id, title]) => (
            <a href={`#${id}`} data-panel={id}>
              {title}
            </a>
          ))}
        </nav>
        <main>
          {PANELS.map(([id, title]) => (
            <section id={id} class="panel">
              <h2>
                {title} <span class="count" data-count={id} />
              </h2>
              <div class="body" data-body={id} />
              <div class="pager" data-pager={id} />
            </section>
          ))}
        </main>
        <script src="/dashboard.js" />
      </body>
    </html>
  );
}
