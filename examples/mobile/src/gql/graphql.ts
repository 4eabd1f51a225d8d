/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type MobileSignInMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type MobileSignInMutation = { login: { accessToken: string, refreshToken: string, refreshTokenExpiresAt: string, user: { id: string, name: string } } };

export type MobileNextMeetingsQueryVariables = Exact<{
  from: string;
}>;


export type MobileNextMeetingsQuery = { meetings: { edges: Array<{ node: { id: string, startsAt: string, endsAt: string, timezone: string, contactName: string, location: string | null } }> } };


export const MobileSignInDocument = {"__meta__":{"hash":"sha256:fe39fc4119666b8ee852d8ddac88de588ab614821d833831caac18cd5d94fe5e"}} as unknown as DocumentNode<MobileSignInMutation, MobileSignInMutationVariables>;
export const MobileNextMeetingsDocument = {"__meta__":{"hash":"sha256:155fdb1033a23685f1d5995672f788829db58bcdc4dd2d4e43bad105d9a6478e"}} as unknown as DocumentNode<MobileNextMeetingsQuery, MobileNextMeetingsQueryVariables>;