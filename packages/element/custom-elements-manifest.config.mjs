// `pnpm --filter @cocalc-embed/element analyze` → custom-elements.json (committed; named in package.json).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/test-helpers.ts', 'src/react/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [
    {
      // The analyzer also guesses events from `dispatchEvent(new SomeEvent(arg))`, taking the first
      // constructor argument for the name; our events carry their name statically, and the @fires
      // JSDoc lines are the documented source. Keep only real `cocalc-*` names.
      name: 'cocalc-events-from-jsdoc-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (decl.events) decl.events = decl.events.filter((event) => event.name?.startsWith('cocalc-'));
          }
        }
      },
    },
  ],
};
