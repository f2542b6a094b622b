import { Body, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminController, Roles } from 'src/auth/auth.decorators';
import { uuidParam } from 'src/common/validation';
import { BudgetResponse, CreateBudgetDto } from './budget.dto';
import { BudgetsService } from './budgets.service';

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
  list(): Promise<BudgetResponse[]> {
    return this.budgets.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: BudgetResponse, description: 'One budget, its alerts this period and their delivery log' })
  @ApiNotFoundResponse({ description: 'No such budget' })
  get(@Param('id', uuidParam('id')) id: string): Promise<BudgetResponse> {
    return this.budgets.get(id);
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
