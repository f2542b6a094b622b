import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AppError } from './app-error';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

const CURSOR_MESSAGE = 'cursor is not a cursor returned by this API';
const CURSOR_TEXT = /^[A-Za-z0-9_-]{1,200}$/;
const CURSOR_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Only what encodeCursor can produce (decodeCursor, called by every keyset listing; the contacts listing pages by
// phone with a cursor of its own): a forged or truncated cursor must never reach SQL (a malformed uuid or a date
// outside Postgres's range would be a 500 there).
function parseCursor(cursor: string): Cursor | undefined {
  if (!CURSOR_TEXT.test(cursor)) return undefined;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [iso, id] = parts;
  const createdAt = new Date(iso);
  if (!CURSOR_ISO.test(iso) || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) return undefined;
  if (!CURSOR_ID.test(id)) return undefined;
  return { createdAt, id };
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  const decoded = parseCursor(cursor);
  if (!decoded) throw new AppError('invalid', CURSOR_MESSAGE, [{ field: 'cursor', rule: 'cursor', message: CURSOR_MESSAGE }]);
  return decoded;
}

// Given limit+1 rows, returns the page and the cursor of its last row when there is more.
export function toPage<T extends Cursor, R>(rows: T[], limit: number, map: (row: T) => R): Page<R> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items: items.map(map), nextCursor: more ? encodeCursor(items[items.length - 1]) : null };
}

// Keyset (cursor) pagination over (created_at, id) descending: stable under inserts, O(limit) at any depth.
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR_TEXT, { message: CURSOR_MESSAGE })
  cursor?: string;
}
