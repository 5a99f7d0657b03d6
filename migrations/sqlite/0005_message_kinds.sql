-- Every stored channel message body names its kind: chat and DM lines, stored before bodies were
-- typed, were `{"text": ...}` alone and become `{"text": ..., "kind": "chat"}`.

UPDATE channel_messages
SET body = json_set(body, '$.kind', 'chat')
WHERE json_type(body, '$.kind') IS NULL AND json_type(body, '$.text') = 'text';
