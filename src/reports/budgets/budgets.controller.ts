import { Body, Delete, Get, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from 'src/auth/api-key.guard';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { BudgetResponse, CreateBudgetDto } from './budget.dto';
import { BudgetsService } from './budgets.service';

// Alert URLs may name internal receivers and carry secrets in their path or query: only admins read them whole;
// supervisor and reporting keys see each URL's origin (scheme, host, port).
function forRole(budget: BudgetResponse, req: AuthenticatedRequest): BudgetResponse {
  return req.apiKey?.role === 'admin' ? budget : { ...budget, alertUrls: budget.alertUrls.map((url) => new URL(url).origin) };
}

@AdminController('budgets', 'reports')
@Roles('admin', 'supervisor', 'reporting')
export class BudgetsController {
  constructor(private readonly budgets: BudgetsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: BudgetResponse, description: 'The budget with its spend in the current period' })
  @ApiBadRequestResponse({ description: 'A field breaks a rule (details name it)' })
  create(@Body() body: CreateBudgetDto): Promise<BudgetResponse> {
    return this.budgets.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [BudgetResponse], description: 'Every budget with its spend and the thresholds crossed in its current period' })
  async list(@Req() req: AuthenticatedRequest): Promise<BudgetResponse[]> {
    return (await this.budgets.list()).map((b) => forRole(b, req));
  }

  @Get(':id')
  @ApiOkResponse({ type: BudgetResponse, description: 'One budget, its alerts this period and their delivery log' })
  @ApiNotFoundResponse({ description: 'No such budget' })
  async get(@Param('id', uuidParam('id')) id: string, @Req() req: AuthenticatedRequest): Promise<BudgetResponse> {
    return forRole(await this.budgets.get(id), req);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted, with its alerts and delivery log' })
  @ApiNotFoundResponse({ description: 'No such budget' })
  async remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.budgets.remove(id);
  }
}
