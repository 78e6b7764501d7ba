// GENERATED from openapi/openapi.yaml by scripts/generate-contracts.mjs. Do not edit: run `npm run generate`.
/* eslint-disable */
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

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

export class LoginRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({})
  @MaxLength(320)
  email!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  @IsOptional()
  @IsString()
  @Matches(new RegExp("^[0-9]{6}$"), { message: "mfaCode must be 6 digits" })
  mfaCode?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(32)
  backupCode?: string;
}

export class RefreshRequestDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  refreshToken?: string;
}

export class CreateApiKeyRequestDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** Permissions the key acts with; each must be held by the owner. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(new RegExp("^[a-z0-9_*-]+:[a-z0-9_*-]+$|^\\*$"), { each: true })
  scopes!: string[];

  /** Lifetime in seconds (60 s to 2 years); omitted, the key does not expire. */
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(63072000)
  expiresIn?: number;
}

export class RevokeApiKeyParamsDto {
  @IsUUID(undefined)
  id!: string;
}
