// All of the user's meetings across events, with the DM of an arranged one.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChatPanel } from '../components/ChatPanel';
import { MeetingInbox } from '../components/MeetingInbox';
import { PageTitle } from '../components/ui';
import { useTitle } from '../components/useTitle';

export function MeetingsScreen() {
  const { t } = useTranslation();
  useTitle(t('meetings.title'));
  const [dm, setDm] = useState<{ channel: string; name: string; userId: string } | null>(null);
  return (
    <div className="page">
      <PageTitle>{t('meetings.title')}</PageTitle>
      <div className="two-col">
        <section className="card">
          <MeetingInbox onOpenChat={(channel, name, userId) => setDm({ channel, name, userId })} />
        </section>
        {dm && (
          <div className="card chat-card">
            <ChatPanel
              key={dm.channel}
              channel={dm.channel}
              title={t('messages.chatWith', { name: dm.name })}
              names={{ [dm.userId]: dm.name }}
              onClose={() => setDm(null)}
            />
          </div>
        )}
      </div>
    </div>
  );
}
