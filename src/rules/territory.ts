// Plugsurfing's Territory (technical requirements, "Territory"): the 25 countries where its
// customers may charge. Location.country is ISO 3166-1 alpha-3; the seed's "UK" is GBR.
export const TERRITORY_ALPHA3 = [
  'AUT', 'BEL', 'HRV', 'CZE', 'DNK', 'FIN', 'FRA', 'DEU', 'HUN', 'ISL', 'IRL', 'ITA', 'LVA',
  'LIE', 'LUX', 'NLD', 'NOR', 'POL', 'ROU', 'SVK', 'SVN', 'ESP', 'SWE', 'CHE', 'GBR',
] as const;

export class Territory {
  private readonly countries: Set<string>;
  constructor(alpha3: readonly string[]) {
    this.countries = new Set(alpha3.map((c) => c.toUpperCase()));
  }
  /** Is a Location.country (alpha-3) inside the Territory? */
  contains(country: string): boolean {
    return this.countries.has(country.toUpperCase());
  }
  list(): string[] {
    return [...this.countries];
  }
}
