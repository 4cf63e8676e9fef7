"use strict";
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __generator = (this && this.__generator) || function (thisArg, body) {
    var _ = { label: 0, sent: function() { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g = Object.create((typeof Iterator === "function" ? Iterator : Object).prototype);
    return g.next = verb(0), g["throw"] = verb(1), g["return"] = verb(2), typeof Symbol === "function" && (g[Symbol.iterator] = function() { return this; }), g;
    function verb(n) { return function (v) { return step([n, v]); }; }
    function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (g && (g = 0, op[0] && (_ = 0)), _) try {
            if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
            if (y = 0, t) op = [op[0] & 2, t.value];
            switch (op[0]) {
                case 0: case 1: t = op; break;
                case 4: _.label++; return { value: op[1], done: false };
                case 5: _.label++; y = op[1]; op = [0]; continue;
                case 7: op = _.ops.pop(); _.trys.pop(); continue;
                default:
                    if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
                    if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
                    if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
                    if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
                    if (t[2]) _.ops.pop();
                    _.trys.pop(); continue;
            }
            op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1]; return { value: op[0] ? op[1] : void 0, done: true };
    }
};
Object.defineProperty(exports, "__esModule", { value: true });
// Host-page side of the controller benchmark (bundled by controller-bench.ts with esbuild).
var index_js_1 = require("../src/index.js");
var current;
function mount(origin, src) {
    current === null || current === void 0 ? void 0 : current.controller.destroy();
    current === null || current === void 0 ? void 0 : current.iframe.remove();
    var iframe = document.createElement('iframe');
    iframe.src = src;
    document.body.append(iframe);
    var controller = index_js_1.KioskController.connect(iframe, { origin: origin });
    current = { iframe: iframe, controller: controller };
    return current;
}
/** One bare status round trip with postMessage, no controller. */
function rawStatus(iframe, origin) {
    return new Promise(function (resolve) {
        var start = performance.now();
        var onMessage = function (event) {
            if (event.source !== iframe.contentWindow || event.origin !== origin)
                return;
            if (!event.data || event.data.status !== 'done' || !('connection' in event.data))
                return;
            window.removeEventListener('message', onMessage);
            resolve(performance.now() - start);
        };
        window.addEventListener('message', onMessage);
        iframe.contentWindow.postMessage({ action: 'status' }, origin);
    });
}
var bench = {
    /** Signs in (the kiosk reloads once), then measures n controller and n raw status round trips, interleaved. */
    rtt: function (origin, signInUrl, url, n) {
        return __awaiter(this, void 0, void 0, function () {
            var first, s, _a, iframe, controller, controllerTimes, rawTimes, i, i, start, _b, _c;
            return __generator(this, function (_d) {
                switch (_d.label) {
                    case 0:
                        first = mount(origin, signInUrl);
                        _d.label = 1;
                    case 1: return [4 /*yield*/, first.controller.ready.catch(function () { return undefined; })];
                    case 2:
                        _d.sent();
                        return [4 /*yield*/, first.controller.status().catch(function () { return undefined; })];
                    case 3:
                        s = _d.sent();
                        if ((s === null || s === void 0 ? void 0 : s.connection.status) === 'connected')
                            return [3 /*break*/, 6];
                        return [4 /*yield*/, new Promise(function (r) { return setTimeout(r, 50); })];
                    case 4:
                        _d.sent();
                        _d.label = 5;
                    case 5: return [3 /*break*/, 1];
                    case 6:
                        _a = mount(origin, url), iframe = _a.iframe, controller = _a.controller;
                        return [4 /*yield*/, controller.ready];
                    case 7:
                        _d.sent();
                        return [4 /*yield*/, new Promise(function (r) { return setTimeout(r, 100); })];
                    case 8:
                        _d.sent();
                        controllerTimes = [];
                        rawTimes = [];
                        i = 0;
                        _d.label = 9;
                    case 9:
                        if (!(i < 20)) return [3 /*break*/, 13];
                        return [4 /*yield*/, controller.status()];
                    case 10:
                        _d.sent();
                        return [4 /*yield*/, rawStatus(iframe, origin)];
                    case 11:
                        _d.sent();
                        _d.label = 12;
                    case 12:
                        i++;
                        return [3 /*break*/, 9];
                    case 13:
                        i = 0;
                        _d.label = 14;
                    case 14:
                        if (!(i < n)) return [3 /*break*/, 18];
                        start = performance.now();
                        return [4 /*yield*/, controller.status()];
                    case 15:
                        _d.sent();
                        controllerTimes.push(performance.now() - start);
                        _c = (_b = rawTimes).push;
                        return [4 /*yield*/, rawStatus(iframe, origin)];
                    case 16:
                        _c.apply(_b, [_d.sent()]);
                        _d.label = 17;
                    case 17:
                        i++;
                        return [3 /*break*/, 14];
                    case 18: return [2 /*return*/, { controller: controllerTimes, raw: rawTimes }];
                }
            });
        });
    },
    /** Loads a fresh kiosk iframe and returns the epoch ms at which `ready` resolved. */
    load: function (origin, url) {
        return __awaiter(this, void 0, void 0, function () {
            var controller;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        controller = mount(origin, url).controller;
                        return [4 /*yield*/, controller.ready];
                    case 1:
                        _a.sent();
                        return [2 /*return*/, performance.timeOrigin + performance.now()];
                }
            });
        });
    },
};
window.bench = bench;
