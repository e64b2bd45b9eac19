/** Rendering the markdown report the way GitHub does, to see what a reader sees and what GitHub would link. */
import MarkdownIt from 'markdown-it';

/** GitHub renders Markdown with raw HTML allowed (then sanitized): letting HTML through shows any that leaks. */
export const md = new MarkdownIt({ html: true, linkify: false });

/** The entities markdown-it writes (and numeric ones), decoded; `&amp;` last, so that `&amp;lt;` stays `&lt;`. */
export function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** The text of every `<code>` element (inline code and code blocks), entities decoded. */
export function codeTexts(html: string): string[] {
  return [...html.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/g)].map((m) => decodeEntities(m[1]!));
}
