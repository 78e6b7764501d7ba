/** The `pagination` of a page-numbered listing (the seed's shape). */
export interface OffsetPagination {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly pages: number;
}

export function offsetPagination(page: number, limit: number, total: number): OffsetPagination {
  return { page, limit, total, pages: Math.ceil(total / limit) };
}
