import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldProblemResponse {
  @ApiProperty({ example: 'destination' }) field: string;
  @ApiProperty({ example: 'isDialableNumber' }) rule: string;
  @ApiProperty({ example: 'destination must be a valid phone number' }) message: string;
}

// The body of every error (AllExceptionsFilter), listed in the OpenAPI document as ErrorResponse.
export class ErrorResponse {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({
    example: 'call_not_found',
    description: "The feature's error code (src/<feature>/<feature>.errors.ts), or the status in snake case (bad_request) for an error no feature names",
  })
  code: string;
  @ApiProperty({ example: 'Call 6f1c… not found' }) message: string;
  @ApiPropertyOptional({ type: [FieldProblemResponse], description: 'Each invalid field with its rule' }) details?: FieldProblemResponse[];
  @ApiPropertyOptional({ description: 'On a 500: the id under which the error and its stack are logged' }) requestId?: string;
}
