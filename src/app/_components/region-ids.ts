// Ids the layouts give their regions, and that the skip links point at. A plain module: a server
// layout importing a constant from a "use client" file would get a client reference, not the string.
export const regionIds = { content: "contenu", consoleMenu: "menu-console", footer: "pied-de-page" } as const;
