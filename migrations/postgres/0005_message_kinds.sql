-- Every stored channel message body names its kind: chat and DM lines, stored before bodies were
-- typed, were `{"text": ...}` alone and become `{"text": ..., "kind": "chat"}`.

UPDATE channel_messages
SET body = (body::jsonb || '{"kind": "chat"}'::jsonb)::text
WHERE NOT (body::jsonb ? 'kind') AND jsonb_typeof(body::jsonb -> 'text') = 'string';
