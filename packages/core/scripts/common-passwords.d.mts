/** The data module's text, rendered from the installed `@zxcvbn-ts/language-common`. */
export function renderCommonPasswords(): string;
