// Image reference patterns as Kyverno matches them (imageReferences, AnyIn/AnyNotIn values).

/** Kyverno's wildcard match of an image reference: `*` any run of characters, `?` one. */
export function matchesImage(pattern: string, image: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(image);
}
