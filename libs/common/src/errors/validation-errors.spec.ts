import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { createValidationPipe } from './validation-errors';

class ItemParams {
  @IsString()
  @MinLength(1)
  @MaxLength(10)
  id!: string;
}

class PageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;
}

describe('the validation pipe on path and query parameters', () => {
  it('answers a repeated value with a fresh instance of the DTO each time', async () => {
    const pipe = createValidationPipe();
    const answers: ItemParams[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = (await pipe.transform({ id: 'echo' }, { type: 'param', metatype: ItemParams })) as ItemParams;
      expect(answer).toBeInstanceOf(ItemParams);
      expect(answer).toEqual(Object.assign(new ItemParams(), { id: 'echo' }));
      expect(answers).not.toContain(answer);
      answers.push(answer);
      answer.id = 'changed by a handler';
    }
  });

  it('refuses a bad value every time, also after a good one', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({ id: 'echo' }, { type: 'param', metatype: ItemParams });
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ id: 'far-too-long-an-id' }, { type: 'param', metatype: ItemParams })).rejects.toBeInstanceOf(ApiError);
    }
    await expect(pipe.transform({ id: 'echo', extra: 'x' }, { type: 'param', metatype: ItemParams })).rejects.toBeInstanceOf(ApiError);
  });

  it('keeps values apart that only their type or a separator tells apart', async () => {
    const pipe = createValidationPipe();
    expect(await pipe.transform({ page: '2' }, { type: 'query', metatype: PageQuery })).toEqual(Object.assign(new PageQuery(), { page: 2 }));
    await expect(pipe.transform({ page: '0' }, { type: 'query', metatype: PageQuery })).rejects.toBeInstanceOf(ApiError);
    expect(await pipe.transform({}, { type: 'query', metatype: PageQuery })).toEqual(new PageQuery());
    await expect(pipe.transform({ page: null }, { type: 'query', metatype: PageQuery })).resolves.toBeInstanceOf(PageQuery);
    // A value that embeds what a naive key would use as separators is validated on its own.
    await expect(pipe.transform({ id: 'a","string' }, { type: 'param', metatype: ItemParams })).resolves.toEqual(Object.assign(new ItemParams(), { id: 'a","string' }));
    await expect(pipe.transform({ id: 'a' }, { type: 'param', metatype: ItemParams })).resolves.toEqual(Object.assign(new ItemParams(), { id: 'a' }));
  });

  it('does not keep values of other DTO classes or of bodies apart from their class', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({ id: 'echo' }, { type: 'param', metatype: ItemParams });
    await expect(pipe.transform({ id: 'echo' }, { type: 'query', metatype: PageQuery })).rejects.toBeInstanceOf(ApiError);
    await expect(pipe.transform({ id: '' }, { type: 'body', metatype: ItemParams })).rejects.toBeInstanceOf(ApiError);
  });
});

class Login {
  @MaxLength(320)
  @IsString()
  email!: string;

  @IsOptional()
  @MinLength(3)
  @IsString()
  name?: string;
}

describe('the codes of validation details', () => {
  async function details(body: Record<string, unknown>): Promise<unknown> {
    const refusal = await createValidationPipe().transform(body, { type: 'body', metatype: Login }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    return (refusal as ApiError).details;
  }

  it('names a missing field REQUIRED, whatever else it fails', async () => {
    expect(await details({})).toEqual([{ field: 'email', message: 'email is required', code: 'REQUIRED' }]);
  });

  it('names a value of the wrong type INVALID_TYPE, not the length rule it fails too', async () => {
    expect(await details({ email: 42, name: ['x'] })).toEqual([
      { field: 'email', message: 'email must be a string', code: 'INVALID_TYPE' },
      { field: 'name', message: 'name must be a string', code: 'INVALID_TYPE' },
    ]);
  });

  it('keeps the rule of a value of the right type, and names unknown fields', async () => {
    const found = (await details({ email: 'a@b.co', name: 'ab', extra: 1 })) as Array<{ field: string }>;
    expect([...found].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: 'extra', message: 'property extra should not exist', code: 'UNKNOWN_FIELD' },
      { field: 'name', message: 'name must be longer than or equal to 3 characters', code: 'TOO_SHORT' },
    ]);
  });
});
