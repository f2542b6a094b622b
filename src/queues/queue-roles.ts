import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Roles } from 'src/auth/auth.decorators';

// Who may call the queue and agent admin routes: admin and supervisor manage; reporting reads too.
export const Manage = (summary: string) => applyDecorators(Roles('admin', 'supervisor'), ApiOperation({ summary, description: 'Roles: admin, supervisor' }));
export const Read = (summary: string) =>
  applyDecorators(Roles('admin', 'supervisor', 'reporting'), ApiOperation({ summary, description: 'Roles: admin, supervisor, reporting' }));
