// Bundled on demand by the WTR config (esbuild turns React's CommonJS into ESM) for src/react/react.test.ts.
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
export { CocalcNotebook } from '../src/react/index.js';
export { TokenBroker } from '../src/token-broker.js';
export { React, createRoot, flushSync };
