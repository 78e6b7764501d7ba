import type { FavoriteTool, FavoriteToolList } from '@app/contracts';
import { addHttpUpstream, type LoggedInUser, type McpTestServer, registerAndLogin, registerAndLoginAs, startMcpTestServer, useTestApp } from '@app/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Envelope = { error: string; message: string; details?: Array<{ field: string; code: string }> };

describe('favorite tools (/users/me/favorites)', () => {
  const t = useTestApp();
  let user: LoggedInUser;
  let other: LoggedInUser;
  let admin: LoggedInUser;
  let remote: McpTestServer;

  beforeAll(async () => {
    user = await registerAndLogin(t.client);
    other = await registerAndLogin(t.client);
    admin = await registerAndLoginAs(t, ['admin']);
    remote = await startMcpTestServer();
  });

  afterAll(async () => {
    await remote?.close();
  });

  const add = (who: LoggedInUser, id: string) => t.client.call<FavoriteTool & Envelope>('addFavoriteTool', { headers: who.auth, params: { id } });
  const remove = (who: LoggedInUser, id: string) => t.client.call<Envelope>('removeFavoriteTool', { headers: who.auth, params: { id } });
  const list = async (who: LoggedInUser) => (await t.client.call<FavoriteToolList>('listFavoriteTools', { headers: who.auth })).body.favorites;

  it('keeps a tool by id or name, once, newest first, each user their own', async () => {
    const echo = await add(user, 'echo');
    expect(echo.status).toBe(200);
    expect(echo.body).toMatchObject({ toolId: 'tool_echo', toolName: 'echo', available: true });
    const again = await add(user, 'tool_echo');
    expect(again.body.favoritedAt).toBe(echo.body.favoritedAt);
    await add(user, 'system_info');
    expect((await list(user)).map((favorite) => favorite.toolName)).toEqual(['system_info', 'echo']);
    expect(await list(other)).toEqual([]);
    expect((await remove(other, 'echo')).status).toBe(404);
  });

  it('refuses a tool the caller may not run, or that does not exist, and bad ids', async () => {
    expect((await add(user, 'filesystem')).status).toBe(404);
    expect((await add(user, 'no_such_tool')).status).toBe(404);
    expect((await add(user, 'x'.repeat(201))).status).toBe(400);
    expect((await t.client.call('listFavoriteTools')).status).toBe(401);
  });

  it('keeps a favorite whose tool went away, as not available, until it is forgotten by its id', async () => {
    const server = await addHttpUpstream(t.client, admin, 'favorites-remote', remote.url);
    expect(server.body.status).toBe('connected');
    const kept = await add(admin, 'favorites-remote__echo');
    expect(kept.body).toMatchObject({ toolName: 'favorites-remote__echo', serverId: server.body.id, available: true });
    expect((await t.client.call('deleteServer', { headers: admin.auth, params: { id: server.body.id } })).status).toBe(204);
    const [gone] = await list(admin);
    expect(gone).toEqual({ toolId: kept.body.toolId, toolName: kept.body.toolId, available: false, favoritedAt: kept.body.favoritedAt });
    expect((await remove(admin, kept.body.toolId)).status).toBe(204);
    expect(await list(admin)).toEqual([]);
    expect((await remove(admin, kept.body.toolId)).status).toBe(404);
  });

  it('holds at most 100 a user', async () => {
    const heavy = await registerAndLogin(t.client);
    await t.app.get(DataSource).query(`INSERT INTO favorite_tools (user_id, tool_id) SELECT $1, 'tool_gone_' || n FROM generate_series(1, 100) AS n`, [heavy.userId]);
    const refused = await add(heavy, 'echo');
    expect(refused.status).toBe(409);
    expect(await list(heavy)).toHaveLength(100);
    expect((await remove(heavy, 'tool_gone_7')).status).toBe(204);
    expect((await add(heavy, 'echo')).status).toBe(200);
  });
});
