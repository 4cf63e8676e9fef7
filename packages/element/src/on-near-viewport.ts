/** How far outside the viewport a `lazy` element starts loading: early enough to be ready when seen. */
const LAZY_ROOT_MARGIN = '300px';

/**
 * Calls `start` once, when `element` comes within {@link LAZY_ROOT_MARGIN} of the viewport (what
 * `loading="lazy"` means: no token is minted and no frame created for an embed nobody scrolls to).
 * Where there is no IntersectionObserver, `start` is called at once: lazy loading is an
 * optimisation, and an embed that never loads would be a failure. Returns a function that stops
 * waiting.
 */
export function onNearViewport(element: Element, start: () => void): () => void {
  if (typeof IntersectionObserver !== 'function') {
    start();
    return () => undefined;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      start();
    },
    { rootMargin: LAZY_ROOT_MARGIN },
  );
  observer.observe(element);
  return () => observer.disconnect();
}
