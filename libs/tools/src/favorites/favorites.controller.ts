import { AddFavoriteToolParamsDto, type FavoriteTool, type FavoriteToolList, RemoveFavoriteToolParamsDto } from '@app/contracts';
import { type AuthenticatedUser, CurrentUser, RequirePermissions } from '@app/security';
import { Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { FavoritesService } from './favorites.service';

@Controller('users/me/favorites')
@RequirePermissions('read:tools')
export class FavoritesController {
  constructor(private readonly favorites: FavoritesService) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<FavoriteToolList> {
    return this.favorites.list(user);
  }

  @Put(':id')
  @HttpCode(200)
  add(@CurrentUser() user: AuthenticatedUser, @Param() params: AddFavoriteToolParamsDto): Promise<FavoriteTool> {
    return this.favorites.add(user, params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthenticatedUser, @Param() params: RemoveFavoriteToolParamsDto): Promise<void> {
    return this.favorites.remove(user, params.id);
  }
}
