// Dashboard styles, served at /dashboard.css (no build step, no CDN).
export const DASHBOARD_CSS = `
:root { --bg:#f6f7f9; --fg:#1d2330; --muted:#6b7385; --line:#dde1e8; --accent:#0b6bcb; --bad:#c62828; --ok:#2e7d32; --warn:#b26a00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--fg); }
header { background:#12263f; color:#fff; padding:12px 20px; display:flex; gap:20px; align-items:baseline; flex-wrap:wrap; }
header h1 { font-size:18px; margin:0; }
header .meta { color:#c7d3e3; font-size:12px; }
header code { color:#fff; }
header a { color:#9cc8ff; }
nav { display:flex; gap:4px; padding:8px 20px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:1; flex-wrap:wrap; }
nav a { padding:4px 10px; border-radius:4px; color:var(--fg); text-decoration:none; }
nav a:hover { background:var(--bg); }
main { display:grid; grid-template-columns:repeat(auto-fit, minmax(620px, 1fr)); gap:16px; padding:16px 20px; }
.panel { background:#fff; border:1px solid var(--line); border-radius:6px; padding:10px 14px; overflow:auto; max-height:520px; }
.panel h2 { font-size:15px; margin:0 0 8px; }
.count { color:var(--muted); font-weight:normal; font-size:13px; }
.panel h2 select { font:inherit; font-size:12px; font-weight:normal; margin-left:6px; }
table { border-collapse:collapse; width:100%; font-size:12.5px; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; }
.tag { display:inline-block; padding:0 6px; border-radius:3px; font-size:11.5px; font-weight:600; }
.ok { background:#e6f4ea; color:var(--ok); } .bad { background:#fdecea; color:var(--bad); } .warn { background:#fff4e0; color:var(--warn); } .info { background:#e8f0fe; color:var(--accent); }
button { font:inherit; font-size:12px; padding:2px 8px; border:1px solid var(--line); border-radius:4px; background:#fff; cursor:pointer; }
button:hover { border-color:var(--accent); color:var(--accent); }
button.on { background:var(--bad); color:#fff; border-color:var(--bad); }
.pager { display:flex; gap:8px; align-items:center; margin-top:6px; color:var(--muted); font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
#journal .body { font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; }
.muted { color:var(--muted); }
`;
