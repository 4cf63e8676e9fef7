// The kiosk app runs in the browser, but the emulator package's tsconfig is Node-only (lib ES2022)
// and includes all of src/. These directives give the files under src/kiosk-app the DOM lib and
// the mocha globals WTR provides, so `tsc -b` checks them either way (their own tsconfig.json
// here says the same, for editors and `tsc -p src/kiosk-app`).
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference types="mocha" />
