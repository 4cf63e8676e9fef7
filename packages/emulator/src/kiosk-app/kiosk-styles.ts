/** The kiosk's stylesheet: plain, readable, CoCalc-ish colours; injected once at boot. */
export const KIOSK_STYLES = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; background: #fff; }
body { margin: 0; }
.kiosk-banner { display: grid; place-items: center; min-height: 60vh; text-align: center; color: #4474c0; }
.kiosk-banner h1 { font-size: 2.5rem; margin: 0; font-weight: 600; }
.kiosk-banner p { color: #5f6b7a; margin: .5rem 0 0; }
.kiosk-alert { margin: .75rem 1rem; padding: .75rem 1rem; border: 1px solid #e0b4b4; background: #fff6f6; color: #9f3a38; border-radius: 4px; }
main.kiosk-editor { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
.kiosk-editor > header h1 { font-size: 1.1rem; font-weight: 600; margin: 0 0 1rem; padding-bottom: .5rem; border-bottom: 1px solid #e4e7eb; font-family: ui-monospace, monospace; }
.cell { margin: .75rem 0; }
.cell-input { display: grid; grid-template-columns: 5.5rem 1fr; align-items: start; }
.prompt { color: #303f9f; font-family: ui-monospace, monospace; font-size: .85rem; padding-top: .6rem; }
pre { margin: 0; padding: .5rem .75rem; background: #f7f7f7; border: 1px solid #e0e0e0; border-radius: 3px; overflow-x: auto; font-size: .9rem; }
.cell-outputs { margin-left: 5.5rem; }
.output { background: #fff; border-color: transparent; }
.output-error { background: #fdd; }
.text-document pre { white-space: pre-wrap; }
.project-stopped { max-width: 30rem; margin: 3rem auto; padding: 1.5rem; border: 1px solid #e4e7eb; border-radius: 6px; text-align: center; }
.project-stopped h2 { margin-top: 0; font-size: 1.25rem; }
button { font: inherit; padding: .45rem 1.1rem; border-radius: 4px; border: 1px solid #2b5aa8; background: #4474c0; color: #fff; cursor: pointer; }
button:disabled { opacity: .6; cursor: progress; }
button:focus-visible, a:focus-visible { outline: 3px solid #f0a30a; outline-offset: 2px; }
`;
