import { originOf } from '@app/common';
import {
  type CreatedWebhook,
  CreateWebhookRequestDto,
  DeleteWebhookParamsDto,
  GetWebhookParamsDto,
  ListWebhookDeliveriesParamsDto,
  ListWebhookDeliveriesQueryDto,
  TestWebhookParamsDto,
  UpdateWebhookParamsDto,
  UpdateWebhookRequestDto,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookList,
} from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { WebhooksService } from './webhooks.service';

@Controller('admin/webhooks')
@RequirePermissions('admin:*')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  async list(): Promise<WebhookList> {
    return { webhooks: await this.webhooks.list() };
  }

  @Post()
  @HttpCode(201)
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateWebhookRequestDto, @Req() request: FastifyRequest): Promise<CreatedWebhook> {
    return this.webhooks.create(user.id, body, originOf(request));
  }

  @Get(':id')
  get(@Param() params: GetWebhookParamsDto): Promise<Webhook> {
    return this.webhooks.get(params.id);
  }

  @Put(':id')
  update(@CurrentUser() user: AuthenticatedUser, @Param() params: UpdateWebhookParamsDto, @Body() body: UpdateWebhookRequestDto, @Req() request: FastifyRequest): Promise<Webhook> {
    return this.webhooks.update(user.id, params.id, body, originOf(request));
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: DeleteWebhookParamsDto, @Req() request: FastifyRequest): Promise<void> {
    return this.webhooks.remove(user.id, params.id, originOf(request));
  }

  @Post(':id/test')
  @HttpCode(200)
  test(@CurrentUser() user: AuthenticatedUser, @Param() params: TestWebhookParamsDto, @Req() request: FastifyRequest): Promise<WebhookDelivery> {
    return this.webhooks.test(user.id, params.id, originOf(request));
  }

  @Get(':id/deliveries')
  deliveries(@Param() params: ListWebhookDeliveriesParamsDto, @Query() query: ListWebhookDeliveriesQueryDto): Promise<WebhookDeliveryList> {
    return this.webhooks.listDeliveries(params.id, query);
  }
}
