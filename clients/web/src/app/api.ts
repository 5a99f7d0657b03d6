// The REST API through RTK Query: every endpoint the screens use, with cache tags so that a
// change (an RSVP, a profile edit, a meeting decision, a push on `user:{id}`) refreshes the views
// that show it.

import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import type { BaseQueryFn, FetchArgs, FetchBaseQueryError, FetchBaseQueryMeta } from '@reduxjs/toolkit/query';
import i18n from 'i18next';
import { codeSentence, fieldSentence } from '../i18n/serverText';
import type { AuthState } from './authSlice';
import { sessionStarted, userUpdated } from './authSlice';
import { attachmentName } from './download';
import { REFRESH_COOKIE_HEADER, refreshSession, validAccessToken } from './session';
import type {
  Announcement,
  Block,
  Checkin,
  Confirmation,
  Conversation,
  ErrorBody,
  EventActivity,
  EventAnalytics,
  EventChart,
  EventInput,
  EventPatch,
  EventSearch,
  LoginAnswer,
  Me,
  Meeting,
  MeetingRequest,
  MingleEvent,
  ProfileUpdate,
  Profile,
  QueryOf,
  RecommendationList,
  Rsvp,
  Schemas,
  SecurityOverview,
  Session,
  SignupPending,
  SuggestionList,
} from './types';

type State = { auth: AuthState };

const rawBaseQuery = fetchBaseQuery({
  baseUrl: '/api/v1',
  prepareHeaders: (headers, { getState }) => {
    const token = (getState() as State).auth.accessToken;
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return headers;
  },
});

/**
 * Sends the request with a fresh token; after a 401, refreshes once and retries. Signing in,
 * refreshing and signing out (`/auth/...`) need no access token, so they never wait for one;
 * linking an identity provider (`/auth/oidc/{id}/link`) is for the signed-in account, and does.
 */
const baseQuery: BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError, object, FetchBaseQueryMeta> = async (
  args,
  api,
  extra,
) => {
  const store = { getState: () => api.getState() as State, dispatch: api.dispatch };
  const url = typeof args === 'string' ? args : args.url;
  const withToken = !url.startsWith('/auth/') || url.endsWith('/link');
  const signedIn = () => withToken && store.getState().auth.user !== null;
  if (signedIn()) await validAccessToken(store).catch(() => null);
  let result = await rawBaseQuery(args, api, extra);
  if (result.error?.status === 401 && signedIn()) {
    const token = await refreshSession(store).catch(() => null);
    if (token) result = await rawBaseQuery(args, api, extra);
  }
  return result;
};

/** The API's error body inside an RTK Query error, when the server sent one. */
function errorBody(error: unknown): Partial<ErrorBody> | undefined {
  if (!error || typeof error !== 'object' || !('data' in error)) return undefined;
  const data = error.data;
  return data && typeof data === 'object' ? data : undefined;
}

/** The stable code of an API error (`matchmaking_off`, `not_attending`, ...), if the server sent one. */
export function errorCode(error: unknown): string | undefined {
  return errorBody(error)?.error?.code;
}

/**
 * The message of an API error body in plain sentences of the active language: the sentence its
 * code picks, one per field for a validation failure, the server's own message for a code not
 * known here, or a fallback for network failures.
 */
export function errorMessage(error: unknown): string {
  if (!error || typeof error !== 'object') return i18n.t('error.generic');
  const e = error as { status?: unknown };
  const body = errorBody(error);
  if (body?.error?.fields?.length) return body.error.fields.map(fieldSentence).join(' ');
  const known = body?.error?.code ? codeSentence(body.error.code) : null;
  if (known) return known;
  if (body?.error?.message) return body.error.message;
  if (e.status === 'FETCH_ERROR') return i18n.t('error.offline');
  return i18n.t('error.generic');
}

/**
 * A validation failure's problems by field (`title`, `venue.lat`, ...), each in a sentence of the
 * active language; empty for any other error.
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of errorBody(error)?.error?.fields ?? []) {
    const sentence = fieldSentence(field);
    problems[field.field] = problems[field.field] ? `${problems[field.field]} ${sentence}` : sentence;
  }
  return problems;
}

/**
 * Starts the session a sign-in answered (not a ticket for the second factor, nor a sign-up that
 * waits for its address). A refused sign-in is its caller's to say, through `unwrap()`; left
 * uncaught here as well, it would also reach the page as an unhandled rejection.
 */
async function startSession(
  queryFulfilled: Promise<{ data: Session | LoginAnswer | SignupPending }>,
  dispatch: (action: ReturnType<typeof sessionStarted>) => unknown,
): Promise<void> {
  let answer: Session | LoginAnswer | SignupPending;
  try {
    answer = (await queryFulfilled).data;
  } catch {
    return;
  }
  if ('access_token' in answer) dispatch(sessionStarted({ session: answer, now: Date.now() }));
}

/** Whether a sign-up waits for its address (a mail is on its way) rather than signed in at once. */
export function waitsForMail(answer: Session | SignupPending): answer is SignupPending {
  return 'verification_required' in answer && answer.verification_required;
}

export const api = createApi({
  reducerPath: 'api',
  baseQuery,
  tagTypes: [
    'Me',
    'Event',
    'Events',
    'Rsvp',
    'Attendees',
    'Announcements',
    'Meetings',
    'Suggestions',
    'Blocks',
    'Recommendations',
    'Activity',
    'Conversations',
    'Security',
    'Sessions',
    'Identities',
    'Passkeys',
    'Analytics',
  ],
  endpoints: (build) => ({
    // The sign-in endpoints ask for the refresh token in the HttpOnly cookie (see session.ts).
    /** Signs up: signed in at once, or, where sign-up confirms the address first, a mail is on its way. */
    register: build.mutation<Session | SignupPending, Schemas['RegisterRequest']>({
      query: (body) => ({ url: '/auth/register', method: 'POST', body, headers: REFRESH_COOKIE_HEADER }),
      onQueryStarted: (_arg, { dispatch, queryFulfilled }) => startSession(queryFulfilled, dispatch),
    }),
    /** Signs in, or answers the ticket for the second factor (`mfa_required`) when the account has one. */
    login: build.mutation<LoginAnswer, Schemas['LoginRequest']>({
      query: (body) => ({ url: '/auth/login', method: 'POST', body, headers: REFRESH_COOKIE_HEADER }),
      onQueryStarted: (_arg, { dispatch, queryFulfilled }) => startSession(queryFulfilled, dispatch),
    }),
    secondFactor: build.mutation<Session, Schemas['MfaRequest']>({
      query: (body) => ({ url: '/auth/mfa', method: 'POST', body, headers: REFRESH_COOKIE_HEADER }),
      onQueryStarted: (_arg, { dispatch, queryFulfilled }) => startSession(queryFulfilled, dispatch),
    }),
    /**
     * A passkey challenge for signing in: with no ticket, a passkey alone signs in; with the
     * ticket of a sign-in that asked for a second factor, a passkey finishes it (`secondFactor`).
     */
    passkeySignInOptions: build.mutation<Schemas['PasskeyChallenge'], Schemas['PasskeySignInStart']>({
      query: (body) => ({ url: '/auth/passkey/options', method: 'POST', body }),
    }),
    /** Signs in with a passkey's answer, no password needed. */
    passkeySignIn: build.mutation<Session, Schemas['PasskeyAnswer']>({
      query: (body) => ({ url: '/auth/passkey', method: 'POST', body, headers: REFRESH_COOKIE_HEADER }),
      onQueryStarted: (_arg, { dispatch, queryFulfilled }) => startSession(queryFulfilled, dispatch),
    }),
    logout: build.mutation<void, void>({
      query: () => ({ url: '/auth/logout', method: 'POST', body: {}, headers: REFRESH_COOKIE_HEADER }),
    }),
    /** Opens a mailed link; one that finishes a sign-up also signs in (its session starts here). */
    verifyEmail: build.mutation<Schemas['EmailVerified'], string>({
      query: (token) => ({
        url: '/auth/email/verify',
        method: 'POST',
        body: { token } satisfies Schemas['EmailVerification'],
        headers: REFRESH_COOKIE_HEADER,
      }),
      invalidatesTags: ['Me', 'Security'],
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        let session: Session | null | undefined;
        try {
          session = (await queryFulfilled).data.session;
        } catch {
          return;
        }
        if (session) dispatch(sessionStarted({ session, now: Date.now() }));
      },
    }),
    /** A new link that finishes the sign-up waiting for an address (answered alike for any address). */
    resendSignupLink: build.mutation<void, string>({
      query: (email) => ({
        url: '/auth/email/resend',
        method: 'POST',
        body: { email } satisfies Schemas['VerificationResend'],
      }),
    }),
    forgotPassword: build.mutation<void, string>({
      query: (email) => ({
        url: '/auth/password/forgot',
        method: 'POST',
        body: { email } satisfies Schemas['PasswordForgot'],
      }),
    }),
    resetPassword: build.mutation<void, Schemas['PasswordReset']>({
      query: (body) => ({ url: '/auth/password/reset', method: 'POST', body }),
    }),
    /** The identity providers to offer ("Continue with ..."); empty when none is configured. */
    providers: build.query<Schemas['ProviderList'], void>({ query: () => '/auth/providers' }),
    /** Where to send the browser to link `provider` to the signed-in account. */
    linkProvider: build.mutation<Schemas['ProviderRedirect'], string>({
      query: (provider) => ({ url: `/auth/oidc/${encodeURIComponent(provider)}/link`, method: 'POST' }),
    }),
    me: build.query<Me, void>({
      query: () => '/me',
      providesTags: ['Me'],
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(userUpdated(data));
      },
    }),
    updateMe: build.mutation<Me, ProfileUpdate>({
      query: (body) => ({ url: '/me', method: 'PATCH', body }),
      invalidatesTags: ['Me', 'Suggestions', 'Recommendations'],
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        dispatch(userUpdated(data));
      },
    }),
    security: build.query<SecurityOverview, void>({ query: () => '/me/security', providesTags: ['Security'] }),
    sessions: build.query<Schemas['SessionList'], void>({ query: () => '/me/sessions', providesTags: ['Sessions'] }),
    endSession: build.mutation<void, string>({
      query: (id) => ({ url: `/me/sessions/${id}`, method: 'DELETE' }),
      invalidatesTags: ['Sessions', 'Security'],
    }),
    endOtherSessions: build.mutation<void, void>({
      query: () => ({ url: '/me/sessions', method: 'DELETE' }),
      invalidatesTags: ['Sessions', 'Security'],
    }),
    identities: build.query<Schemas['IdentityList'], void>({
      query: () => '/me/identities',
      providesTags: ['Identities'],
    }),
    unlinkProvider: build.mutation<void, string>({
      query: (provider) => ({ url: `/me/identities/${encodeURIComponent(provider)}`, method: 'DELETE' }),
      invalidatesTags: ['Identities'],
    }),
    changePassword: build.mutation<void, Schemas['PasswordChange']>({
      query: (body) => ({ url: '/me/password', method: 'POST', body }),
      invalidatesTags: ['Sessions', 'Security'],
    }),
    changeEmail: build.mutation<void, Schemas['EmailChange']>({
      query: (body) => ({ url: '/me/email', method: 'POST', body }),
    }),
    resendVerification: build.mutation<void, void>({
      query: () => ({ url: '/me/email/verification', method: 'POST' }),
    }),
    startTotp: build.mutation<Schemas['TotpEnrolment'], void>({
      query: () => ({ url: '/me/totp', method: 'POST' }),
    }),
    confirmTotp: build.mutation<Schemas['RecoveryCodes'], string>({
      query: (code) => ({ url: '/me/totp/confirm', method: 'POST', body: { code } satisfies Schemas['TotpCode'] }),
      invalidatesTags: ['Me', 'Security'],
    }),
    removeTotp: build.mutation<void, Confirmation>({
      query: (body) => ({ url: '/me/totp', method: 'DELETE', body }),
      invalidatesTags: ['Me', 'Security'],
    }),
    newRecoveryCodes: build.mutation<Schemas['RecoveryCodes'], Confirmation>({
      query: (body) => ({ url: '/me/recovery-codes', method: 'POST', body }),
      invalidatesTags: ['Security'],
    }),
    passkeys: build.query<Schemas['PasskeyList'], void>({ query: () => '/me/passkeys', providesTags: ['Passkeys'] }),
    /** The challenge a new passkey answers, for `addPasskey`. */
    passkeyRegistrationOptions: build.mutation<Schemas['PasskeyChallenge'], void>({
      query: () => ({ url: '/me/passkeys/options', method: 'POST' }),
    }),
    /** Registers the passkey; the first second factor of the account also brings recovery codes. */
    addPasskey: build.mutation<Schemas['PasskeyAdded'], Schemas['PasskeyRegistration']>({
      query: (body) => ({ url: '/me/passkeys', method: 'POST', body }),
      invalidatesTags: ['Passkeys', 'Security', 'Me'],
    }),
    renamePasskey: build.mutation<Schemas['PasskeyInfo'], { id: string; name: string }>({
      query: ({ id, name }) => ({
        url: `/me/passkeys/${id}`,
        method: 'PATCH',
        body: { name } satisfies Schemas['PasskeyRename'],
      }),
      invalidatesTags: ['Passkeys'],
    }),
    removePasskey: build.mutation<void, { id: string; confirmation: Confirmation }>({
      query: ({ id, confirmation }) => ({ url: `/me/passkeys/${id}`, method: 'DELETE', body: confirmation }),
      invalidatesTags: ['Passkeys', 'Security', 'Me'],
    }),
    /** The challenge a passkey answers to confirm a change (the `passkey` of a `Confirmation`). */
    passkeyConfirmationChallenge: build.mutation<Schemas['PasskeyChallenge'], void>({
      query: () => ({ url: '/me/passkeys/challenge', method: 'POST' }),
    }),
    // The export is read as text (an error's body as JSON), to be saved as the file it is.
    exportData: build.mutation<{ text: string; fileName: string | null }, void>({
      query: () => ({
        url: '/me/export',
        responseHandler: (response) => (response.ok ? response.text() : response.json()),
      }),
      transformResponse: (text: string, meta) => ({
        text,
        fileName: attachmentName(meta?.response?.headers.get('content-disposition')),
      }),
    }),
    deleteAccount: build.mutation<void, Confirmation>({
      query: (body) => ({ url: '/me', method: 'DELETE', body }),
    }),
    user: build.query<Profile, string>({ query: (id) => `/users/${id}` }),
    blocks: build.query<Schemas['Page_Block'], void>({ query: () => '/me/blocks', providesTags: ['Blocks'] }),
    block: build.mutation<Block, string>({
      query: (user_id) => ({ url: '/me/blocks', method: 'POST', body: { user_id } satisfies Schemas['BlockRequest'] }),
      invalidatesTags: ['Blocks', 'Suggestions', 'Attendees'],
    }),
    unblock: build.mutation<void, string>({
      query: (userId) => ({ url: `/me/blocks/${userId}`, method: 'DELETE' }),
      invalidatesTags: ['Blocks', 'Suggestions', 'Attendees'],
    }),
    recommendations: build.query<RecommendationList, QueryOf<'recommended_events'>>({
      query: (params) => ({ url: '/recommendations/events', params }),
      providesTags: ['Recommendations'],
    }),
    // Pages of results follow `next_cursor`; they stay cached a while, so that Back from an
    // event shows the same results, "Load more" pages included.
    searchEvents: build.infiniteQuery<Schemas['Page_Event'], EventSearch, string | null>({
      infiniteQueryOptions: {
        initialPageParam: null,
        getNextPageParam: (lastPage) => lastPage.next_cursor ?? undefined,
      },
      query: ({ queryArg, pageParam }) => ({ url: '/events', params: { ...queryArg, cursor: pageParam ?? undefined } }),
      providesTags: ['Events'],
      keepUnusedDataFor: 300,
    }),
    myEvents: build.query<Schemas['Page_Event'], QueryOf<'my_events'>>({
      query: (params) => ({ url: '/me/events', params }),
      providesTags: ['Events'],
    }),
    event: build.query<MingleEvent, string>({
      query: (id) => `/events/${id}`,
      providesTags: (_r, _e, id) => [{ type: 'Event', id }],
    }),
    createEvent: build.mutation<MingleEvent, EventInput>({
      query: (body) => ({ url: '/events', method: 'POST', body }),
      invalidatesTags: ['Events'],
    }),
    updateEvent: build.mutation<MingleEvent, { id: string; patch: EventPatch }>({
      query: ({ id, patch }) => ({ url: `/events/${id}`, method: 'PATCH', body: patch }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Event', id }, 'Events'],
    }),
    rsvp: build.query<Rsvp | null, string>({
      query: (id) => `/events/${id}/rsvp`,
      providesTags: (_r, _e, id) => [{ type: 'Rsvp', id }],
    }),
    setRsvp: build.mutation<Rsvp, { id: string } & Schemas['RsvpRequest']>({
      query: ({ id, status }) => ({ url: `/events/${id}/rsvp`, method: 'POST', body: { status } }),
      // The answer is the new RSVP: shown at once, not after a refetch that may queue behind
      // slower requests.
      async onQueryStarted({ id }, { dispatch, queryFulfilled }) {
        const { data } = await queryFulfilled;
        void dispatch(api.util.upsertQueryData('rsvp', id, data));
      },
      invalidatesTags: (_r, _e, { id }) => [
        { type: 'Event', id },
        'Attendees',
        'Recommendations',
        'Events',
        'Activity',
      ],
    }),
    withdrawRsvp: build.mutation<void, string>({
      query: (id) => ({ url: `/events/${id}/rsvp`, method: 'DELETE' }),
      async onQueryStarted(id, { dispatch, queryFulfilled }) {
        await queryFulfilled;
        void dispatch(api.util.upsertQueryData('rsvp', id, null));
      },
      invalidatesTags: (_r, _e, id) => [{ type: 'Event', id }, 'Attendees', 'Events', 'Activity'],
    }),
    checkin: build.mutation<Checkin, { id: string } & Schemas['CheckinRequest']>({
      query: ({ id, ...body }) => ({ url: `/events/${id}/checkin`, method: 'POST', body }),
      invalidatesTags: (_r, _e, { id }) => [
        { type: 'Rsvp', id },
        { type: 'Event', id },
        'Attendees',
        'Suggestions',
        'Activity',
      ],
    }),
    attendees: build.query<Schemas['Page_Attendee'], { id: string; cursor?: string }>({
      query: ({ id, cursor }) => ({ url: `/events/${id}/attendees`, params: { limit: 100, cursor } }),
      providesTags: ['Attendees'],
    }),
    announcements: build.query<Schemas['Page_Announcement'], string>({
      query: (id) => ({ url: `/events/${id}/announcements`, params: { limit: 50 } }),
      providesTags: (_r, _e, id) => [{ type: 'Announcements', id }],
    }),
    announce: build.mutation<Announcement, { id: string } & Schemas['CreateAnnouncement']>({
      query: ({ id, body }) => ({ url: `/events/${id}/announcements`, method: 'POST', body: { body } }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Announcements', id }],
    }),
    suggestions: build.query<SuggestionList, string>({
      query: (id) => `/events/${id}/suggestions`,
      providesTags: (_r, _e, id) => [{ type: 'Suggestions', id }],
    }),
    suggestionFeedback: build.mutation<void, { id: string; userId: string } & Schemas['SuggestionFeedback']>({
      query: ({ id, userId, verdict }) => ({
        url: `/events/${id}/suggestions/${userId}/feedback`,
        method: 'POST',
        body: { verdict },
      }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Suggestions', id }],
    }),
    meetings: build.query<Schemas['Page_Meeting'], QueryOf<'my_meetings'>>({
      query: (params) => ({ url: '/me/meetings', params }),
      providesTags: ['Meetings'],
    }),
    requestMeeting: build.mutation<Meeting, { eventId: string; request: MeetingRequest }>({
      query: ({ eventId, request }) => ({ url: `/events/${eventId}/meetings`, method: 'POST', body: request }),
      invalidatesTags: ['Meetings', 'Activity'],
    }),
    freeTimes: build.query<Schemas['FreeTimes'], { eventId: string } & QueryOf<'free_times'>>({
      query: ({ eventId, ...params }) => ({ url: `/events/${eventId}/meetings/free-times`, params }),
      keepUnusedDataFor: 0,
    }),
    decideMeeting: build.mutation<Meeting, { id: string; decision: 'accept' | 'decline' | 'cancel' }>({
      query: ({ id, decision }) => ({ url: `/meetings/${id}/${decision}`, method: 'POST' }),
      invalidatesTags: ['Meetings', 'Suggestions', 'Activity'],
    }),
    openConversation: build.mutation<Conversation, string>({
      query: (user_id) => ({
        url: '/conversations',
        method: 'POST',
        body: { user_id } satisfies Schemas['OpenConversation'],
      }),
      invalidatesTags: ['Conversations'],
    }),
    conversations: build.query<Schemas['Page_ConversationSummary'], QueryOf<'list_conversations'> | void>({
      query: (params) => ({ url: '/conversations', params: params ?? undefined }),
      providesTags: ['Conversations'],
    }),
    channelHistory: build.query<Schemas['Page_ChannelMessage'], { channel: string } & QueryOf<'history'>>({
      query: ({ channel, ...params }) => ({ url: `/channels/${encodeURIComponent(channel)}/messages`, params }),
      keepUnusedDataFor: 0,
    }),
    activity: build.query<EventActivity, string>({
      query: (id) => `/events/${id}/activity`,
      providesTags: ['Activity'],
    }),
    segments: build.query<Schemas['AudienceSegments'], string>({
      query: (id) => `/events/${id}/segments`,
    }),
    // The CSV is read as text (an error's body as JSON, by its content type), so the cache holds
    // nothing a Blob would make unserializable; the page makes the file from it.
    attendeesCsv: build.query<{ text: string; fileName: string | null }, string>({
      query: (id) => ({ url: `/events/${id}/attendees.csv`, responseHandler: 'content-type' }),
      transformResponse: (text: string, meta) => ({
        text,
        fileName: attachmentName(meta?.response?.headers.get('content-disposition')),
      }),
      keepUnusedDataFor: 0,
    }),
    /** The event's funnel, its course over time, where RSVPs came from and how people met (organizers). */
    eventAnalytics: build.query<EventAnalytics, string>({
      query: (id) => `/events/${id}/analytics`,
      providesTags: (_r, _e, id) => [{ type: 'Analytics', id }],
    }),
    // One chart of the analytics as CSV, read as text like the attendee list.
    analyticsCsv: build.query<{ text: string; fileName: string | null }, { id: string; chart: EventChart }>({
      query: ({ id, chart }) => ({
        url: `/events/${id}/analytics/export`,
        params: { chart },
        responseHandler: 'content-type',
      }),
      transformResponse: (text: string, meta) => ({
        text,
        fileName: attachmentName(meta?.response?.headers.get('content-disposition')),
      }),
      keepUnusedDataFor: 0,
    }),
  }),
});

export const {
  useRegisterMutation,
  useLoginMutation,
  useSecondFactorMutation,
  usePasskeySignInOptionsMutation,
  usePasskeySignInMutation,
  usePasskeysQuery,
  usePasskeyRegistrationOptionsMutation,
  useAddPasskeyMutation,
  useRenamePasskeyMutation,
  useRemovePasskeyMutation,
  usePasskeyConfirmationChallengeMutation,
  useLogoutMutation,
  useVerifyEmailMutation,
  useResendSignupLinkMutation,
  useForgotPasswordMutation,
  useResetPasswordMutation,
  useProvidersQuery,
  useLinkProviderMutation,
  useMeQuery,
  useSecurityQuery,
  useIdentitiesQuery,
  useUnlinkProviderMutation,
  useSessionsQuery,
  useEndSessionMutation,
  useEndOtherSessionsMutation,
  useChangePasswordMutation,
  useChangeEmailMutation,
  useResendVerificationMutation,
  useStartTotpMutation,
  useConfirmTotpMutation,
  useRemoveTotpMutation,
  useNewRecoveryCodesMutation,
  useExportDataMutation,
  useDeleteAccountMutation,
  useUpdateMeMutation,
  useUserQuery,
  useBlocksQuery,
  useBlockMutation,
  useUnblockMutation,
  useRecommendationsQuery,
  useSearchEventsInfiniteQuery,
  useMyEventsQuery,
  useEventQuery,
  useCreateEventMutation,
  useUpdateEventMutation,
  useRsvpQuery,
  useSetRsvpMutation,
  useWithdrawRsvpMutation,
  useCheckinMutation,
  useAttendeesQuery,
  useAnnouncementsQuery,
  useAnnounceMutation,
  useSuggestionsQuery,
  useSuggestionFeedbackMutation,
  useMeetingsQuery,
  useRequestMeetingMutation,
  useLazyFreeTimesQuery,
  useDecideMeetingMutation,
  useOpenConversationMutation,
  useConversationsQuery,
  useActivityQuery,
  useSegmentsQuery,
  useLazyAttendeesCsvQuery,
  useEventAnalyticsQuery,
  useLazyAnalyticsCsvQuery,
} = api;
