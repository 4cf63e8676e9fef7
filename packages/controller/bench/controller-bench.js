"use strict";
var __spreadArray = (this && this.__spreadArray) || function (to, from, pack) {
    if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
        if (ar || !(i in from)) {
            if (!ar) ar = Array.prototype.slice.call(from, 0, i);
            ar[i] = from[i];
        }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
};
Object.defineProperty(exports, "__esModule", { value: true });
// Benchmark of the controller against the emulator's real kiosk page.
// Starts the emulator in-process (port 0), a static host page on another origin (127.0.0.1, port 0)
// whose script (bench-page.ts, bundled with esbuild) drives the kiosk, and headless Chromium via
// Playwright. Prints JSON lines {"metric", "value", "unit"}.
var esbuild_1 = require("esbuild");
var node_fs_1 = require("node:fs");
var node_http_1 = require("node:http");
var node_os_1 = require("node:os");
var node_path_1 = require("node:path");
var node_url_1 = require("node:url");
var playwright_1 = require("playwright");
var emulator_1 = require("@cocalc-embed/emulator");
var STATUS_CALLS = 300;
var LOADS = 15;
function median(values) {
    var sorted = __spreadArray([], values, true).sort(function (a, b) { return a - b; });
    var mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
function emit(metric, value, unit) {
    console.log(JSON.stringify({ metric: metric, value: Math.round(value * 1000) / 1000, unit: unit }));
}
var dataDir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'controller-bench-'));
var bundle = await (0, esbuild_1.build)({
    entryPoints: [(0, node_url_1.fileURLToPath)(new URL('./bench-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
});
var script = bundle.outputFiles[0].text;
var page = (0, node_http_1.createServer)(function (req, res) {
    if (req.url === '/bench.js')
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>');
});
await new Promise(function (resolve) { return page.listen(0, '127.0.0.1', resolve); });
var pageOrigin = "http://127.0.0.1:".concat(page.address().port);
var emulator = await (0, emulator_1.startEmulator)({ port: 0, dataDir: dataDir, devHttpOrigins: [pageOrigin] });
var browser = await playwright_1.chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
    var accountId = (await emulator.admin.createAccount({ email: 'bench@example.test' })).accountId;
    var projectId = (await emulator.admin.createProject({ ownerAccountId: accountId, title: 'bench' })).projectId;
    await emulator.admin.writeFile(projectId, 'bench.md', '# bench\n');
    var token = await emulator.admin.mintAuthToken(accountId, { ttlSeconds: 600 });
    var context = await browser.newContext();
    var tab_1 = await context.newPage();
    await tab_1.goto("".concat(pageOrigin, "/"));
    await tab_1.waitForFunction(function () { return 'bench' in window; });
    var kioskOrigin = new URL(emulator.url).origin;
    var signInUrl = "".concat(emulator.url, "/projects/").concat(projectId, "/files/bench.md?auth_token=").concat(token, "&session=&fullscreen=kiosk");
    var kioskUrl = "".concat(emulator.url, "/projects/").concat(projectId, "/files/bench.md?session=&fullscreen=kiosk");
    // Round trips: controller vs bare postMessage, interleaved in rounds to share machine noise.
    var rtt = (await tab_1.evaluate(function (_a) {
        var origin = _a[0], signIn = _a[1], url = _a[2], n = _a[3];
        return window.bench.rtt(origin, signIn, url, n);
    }, [kioskOrigin, signInUrl, kioskUrl, STATUS_CALLS]));
    var controllerMedian = median(rtt.controller);
    var rawMedian = median(rtt.raw);
    emit('controller.status_rtt.median_ms', controllerMedian, 'ms');
    emit('raw.status_rtt.median_ms', rawMedian, 'ms');
    emit('controller.status_rtt.ratio', controllerMedian / rawMedian, 'ratio');
    // Ready after the kiosk's listener is live, over several fresh iframe loads.
    var gaps = [];
    for (var i = 0; i < LOADS; i++) {
        var readyAt = (await tab_1.evaluate(function (_a) {
            var origin = _a[0], url = _a[1];
            return window.bench.load(origin, url);
        }, [kioskOrigin, kioskUrl]));
        var frame = tab_1.frames().find(function (f) { return f.url().startsWith(emulator.url) && f !== tab_1.mainFrame(); });
        if (!frame)
            throw new Error('kiosk frame not found');
        var liveAt = await frame.evaluate(function () { var _a, _b; return (_b = (_a = window.__cocalcEmulator) === null || _a === void 0 ? void 0 : _a.listenerLiveAt) !== null && _b !== void 0 ? _b : NaN; });
        gaps.push(readyAt - liveAt);
    }
    emit('controller.ready_after_listener.median_ms', median(gaps), 'ms');
    emit('controller.ready_after_listener.max_ms', Math.max.apply(Math, gaps), 'ms');
}
finally {
    await browser.close();
    await emulator.close();
    page.close();
    (0, node_fs_1.rmSync)(dataDir, { recursive: true, force: true });
}
