import { originOf } from '@app/common';
import { DeleteHttpToolParamsDto, GetHttpToolParamsDto, type HttpTool, HttpToolImportDto, type HttpToolImportResult, HttpToolInputDto, type HttpToolList, UpdateHttpToolParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HttpToolImporter } from './http-tool-importer';
import { HttpToolsService } from './http-tools.service';

@Controller('admin/http-tools')
@RequirePermissions('admin:tools')
export class AdminHttpToolsController {
  constructor(
    private readonly httpTools: HttpToolsService,
    private readonly importer: HttpToolImporter,
  ) {}

  @Get()
  async list(): Promise<HttpToolList> {
    return { httpTools: await this.httpTools.list() };
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: HttpToolInputDto, @Req() request: FastifyRequest): Promise<HttpTool> {
    return this.httpTools.create(body, user.id, originOf(request));
  }

  @Post('import')
  @HttpCode(200)
  import(@CurrentUser() user: AuthenticatedUser, @Body() body: HttpToolImportDto, @Req() request: FastifyRequest): Promise<HttpToolImportResult> {
    return this.importer.import(body, user.id, originOf(request));
  }

  @Get(':id')
  get(@Param() params: GetHttpToolParamsDto): Promise<HttpTool> {
    return this.httpTools.get(params.id);
  }

  @Put(':id')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateHttpToolParamsDto, @Body() body: HttpToolInputDto, @Req() request: FastifyRequest): Promise<HttpTool> {
    return this.httpTools.update(params.id, body, user.id, originOf(request));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteHttpToolParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.httpTools.remove(params.id, user.id, originOf(request));
  }
}
