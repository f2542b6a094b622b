import { Get, Headers, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { csvStream } from 'src/reports/csv';
import type { BillingAnomalies } from 'src/calls/rollups/call-rollups.service';
import { AnomaliesQueryDto, CallsCsvQueryDto, CostReportQueryDto } from 'src/reports/dto/cost-report.query';
import { ReportsService, type CostReport } from 'src/reports/reports.service';

const wantsCsv = (format: string | undefined, accept: string | undefined): boolean =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(accept ?? ''));

@AdminController('reports', 'reports')
@Roles('admin', 'supervisor', 'reporting')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('costs')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'Calls, answered, talk seconds, billed minutes and spend per currency, grouped; CSV with Accept: text/csv or ?format=csv' })
  async costs(@Query() query: CostReportQueryDto, @Headers('accept') accept?: string): Promise<CostReport | StreamableFile> {
    if (!wantsCsv(query.format, accept)) return this.reports.costs(query);
    const { header, batches } = await this.reports.costsCsv(query);
    return new StreamableFile(csvStream(header, batches), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="costs.csv"' });
  }

  @Get('anomalies')
  @ApiOkResponse({
    description: 'Calls whose debit is not rate x billed minutes, and destinations billed at more than one rate (period at most REPORTS_RAW_MAX_PERIOD_DAYS)',
  })
  anomalies(@Query() query: AnomaliesQueryDto): Promise<BillingAnomalies> {
    return this.reports.anomalies(query);
  }

  @Get('calls.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The call log of the period, one line per call, oldest first (streamed)' })
  callsCsv(@Query() query: CallsCsvQueryDto): StreamableFile {
    const { header, batches } = this.reports.callsCsv(query);
    return new StreamableFile(csvStream(header, batches), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="calls.csv"' });
  }
}
