// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.
/* eslint-disable */
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class RegisterRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(320)
  email!: string;

  /** At least 12 characters with an upper-case letter, a lower-case letter, a digit and a symbol. */
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  @Matches(new RegExp("^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^A-Za-z0-9]).+$"), { message: "password must contain an upper-case letter, a lower-case letter, a digit and a symbol" })
  password!: string;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(200)
  organization?: string;

  /** E.164, e.g. +14155550100 */
  @IsOptional()
  @IsString()
  @Matches(new RegExp("^\\+[1-9]\\d{1,14}$"), { message: "phone must be in E.164 format, e.g. +14155550100" })
  phone?: string;
}
