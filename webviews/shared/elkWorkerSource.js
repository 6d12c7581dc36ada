// elkjs's worker script as a string (esbuild's text import): the DAG view starts it from a Blob URL,
// because worker scripts loaded from webview resource URLs fail or hang in some VS Code versions
// (DESIGN §10). Kept in a .js file so TypeScript does not need the import-attribute syntax.
import source from 'elkjs/lib/elk-worker.min.js' with { type: 'text' };

export default source;
