import { Matches } from 'class-validator';

export const POOL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const POOL_NAME_MESSAGE = 'must be 1 to 64 lower-case letters, digits, _ or -';

export class PoolNameParamDto {
  @Matches(POOL_NAME, { message: `name ${POOL_NAME_MESSAGE}` })
  name: string;
}
