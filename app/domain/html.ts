// Text placed in HTML (HubSpot note bodies, the OAuth result page): the five characters that could
// end a text node or an attribute are written as entities.
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
