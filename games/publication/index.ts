// Stake Engine math-sdk publications (lookup tables and books): reading, checking, weighted draw.
export { type Book, BooksError, MAX_BOOKS, readBooks } from './books.ts';
export { uniformBelow, uniformBelowSmall, type WeightedDraw, weightedDraw } from './draw.ts';
export { PUBLICATION_KERNEL_URL, type PublicationKernelArgs, publicationKernel } from './kernel.ts';
export {
  type LookupTable,
  LookupTableError,
  MAX_LOOKUP_ROWS,
  readLookupTable,
  rowIndex,
  UINT64_MAX,
} from './lookup-table.ts';
export {
  type ExactCost,
  exactCost,
  loadPublication,
  PUBLICATION_INDEX,
  type Publication,
  PublicationIndexSchema,
  type PublicationMode,
} from './publication.ts';
