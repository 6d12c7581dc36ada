// Data with the classic mistakes in it (an id-like, a constant and a leaking column), for the feature
// checks' runtime and end-to-end tests.

/** 200 rows: `date` unique per row, `region` constant, `outcome` = the label spelt out, `x` and `colour` honest. */
export function mistakesCsv(rows = 200): string {
  const lines = ['date,region,outcome,x,colour,label'];
  for (let i = 0; i < rows; i++) {
    const label = (i * 7) % 3 === 0 ? 1 : 0;
    const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${day},north,${label ? 'sold' : 'kept'},${((i * 37) % 101) / 10},${['red', 'green', 'blue', 'grey'][i % 4]},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

export const MISTAKES_PIPELINE = `pipeline: mistakes
components:
  example_gen:
    type: CsvExampleGen
    params: {input: data.csv}
  transform:
    type: Transform
    inputs: {examples: example_gen.examples}
    params:
      label: label
      features:
        date: vocabulary
        x: zscore
  trainer:
    type: Trainer
    inputs: {examples: transform.transformed_examples, transform_graph: transform.transform_graph}
    params: {label: label, exclude: [colour]}
`;
