import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { CocalcNotebookElement, NotebookLoading } from '../cocalc-notebook-element.js';

/** Attributes `<cocalc-notebook>` accepts when written directly in JSX (React 19 passes unknown props as attributes/properties). */
export interface CocalcNotebookJsxAttributes extends DetailedHTMLProps<HTMLAttributes<CocalcNotebookElement>, CocalcNotebookElement> {
  path?: string;
  project?: string;
  'token-endpoint'?: string;
  loading?: NotebookLoading;
  debug?: boolean;
  'ready-timeout'?: number;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'cocalc-notebook': CocalcNotebookJsxAttributes;
    }
  }
}
