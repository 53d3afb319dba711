import { client, ok } from './client.ts';
import type { Answer, Body, Query } from './types.ts';

// WeCom friendships and coverage (src/api/routes/wecom.ts): the caller's scope, names masked.

export type WecomCoverage = Answer<'get', '/v1/wecom/coverage'>;
export type WecomManagerCoverage = WecomCoverage['managers'][number];
export type WecomFriendsQuery = Query<'get', '/v1/wecom/friends'>;
export type WecomFriend = Answer<'get', '/v1/wecom/friends'>['items'][number];
export type WecomLink = Body<'post', '/v1/wecom/friends/link'>;

export const wecomApi = {
  coverage: (signal?: AbortSignal) => ok(client.GET('/v1/wecom/coverage', { signal })),
  friends: (query: WecomFriendsQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/wecom/friends', { params: { query }, signal })),
  /** Links a friend to a customer by hand; the server refuses a customer or manager outside the caller's scope. */
  link: (body: WecomLink) => ok(client.POST('/v1/wecom/friends/link', { body })),
};

// Group messages sent by campaigns (src/api/routes/wecom-messages.ts) and tags both ways (src/api/routes/wecom-tags.ts).
export type WecomGroupMessages = Answer<'get', '/v1/wecom/group-messages'>;
export type WecomGroupMessage = WecomGroupMessages['items'][number];
export type WecomGroupMessageState = WecomGroupMessage['state'];
export type WecomTagState = Answer<'get', '/v1/wecom/tags'>;
export type WecomPublishedTag = WecomTagState['published'][number];
export type WecomTagSync = NonNullable<WecomTagState['lastSync']>;

export const wecomMessagesApi = {
  list: (query: Query<'get', '/v1/wecom/group-messages'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/wecom/group-messages', { params: { query }, signal })),
};

export const wecomTagsApi = {
  state: (signal?: AbortSignal) => ok(client.GET('/v1/wecom/tags', { signal })),
  publish: (tagKeys: string[]) => ok(client.POST('/v1/wecom/tags/publish', { body: { tagKeys } })),
  sync: () => ok(client.POST('/v1/wecom/tags/sync', { body: {} })),
};
