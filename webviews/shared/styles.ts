// Styles go in through constructable style sheets: allowed by a strict CSP (no 'unsafe-inline'),
// and shared by every view.
import baseCss from './base.css';

export function adoptStyles(...cssTexts: string[]): void {
  const sheets = [baseCss, ...cssTexts].map((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
}
