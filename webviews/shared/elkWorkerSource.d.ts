/** The text of elkjs/lib/elk-worker.min.js. */
declare const source: string;
export default source;
