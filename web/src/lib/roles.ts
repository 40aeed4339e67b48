/** What a project role may do; the services enforce it, the pages only hide what would fail. */
export function canEdit(role?: string | null): boolean {
  return role === "OWNER" || role === "EDITOR";
}

export function isOwner(role?: string | null): boolean {
  return role === "OWNER";
}

export const VIEWER_MESSAGE =
  "You are a viewer in this project: only its editors and owners can do this. Ask an owner for the editor role.";
