// A React app: the wrapper sets properties as properties and turns the element's events into
// typed onCocalc… props.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CocalcNotebook } from '@cocalc-embed/element/react';

function App() {
  const [state, setState] = useState<string>('idle');
  const [projectId, setProjectId] = useState<string>('');
  return (
    <>
      <p id="state" data-state={state} data-project-id={projectId}>
        {state}
      </p>
      <CocalcNotebook
        path="intro.ipynb"
        onCocalcStateChange={(event) => setState(event.state)}
        onCocalcReady={(event) => setProjectId(event.projectId)}
        onCocalcError={(event) => setState(`error:${event.error.code}`)}
      />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
