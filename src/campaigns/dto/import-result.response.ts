import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ImportErrorResponse {
  @ApiPropertyOptional({ description: 'CSV: the line in the file (the header is line 1)' }) line?: number;
  @ApiPropertyOptional({ description: 'JSON: the index in contacts' }) index?: number;
  @ApiPropertyOptional() phone?: string;
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class ImportResultResponse {
  @ApiProperty({ description: 'Rows read (= inserted + merged + rejected)' }) rows: number;
  @ApiProperty({ description: 'New contacts' }) inserted: number;
  @ApiProperty({ description: 'Rows merged into a contact with the same number (earlier in this import, or already there)' }) merged: number;
  @ApiProperty({ description: 'Contacts of this import on a do-not-call list (status dnc)' }) dnc: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [ImportErrorResponse], description: 'Each rejected row, the first 1000' }) errors: ImportErrorResponse[];
  @ApiProperty({ description: 'True when more rows were rejected than listed' }) errorsTruncated: boolean;
}
