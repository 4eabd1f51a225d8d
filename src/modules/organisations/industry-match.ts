/**
 * An industry as compared: lower case, every run of white space one space, trimmed. " Fin  Tech "
 * and "fin tech" are one industry; "FinTech" stays another, since spaces collapse but are not
 * removed (words stay words). SQL of `expression`.
 */
export function normalisedIndustry(expression: string): string {
  return `btrim(regexp_replace(lower(${expression}), '\\s+', ' ', 'g'))`;
}

/** SQL: the organisation column `column` holds the industry given as parameter `param`. */
export function industryMatches(column: string, param: string): string {
  return `${normalisedIndustry(column)} = ${normalisedIndustry(param)}`;
}
