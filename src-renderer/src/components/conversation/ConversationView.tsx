import type { ReactElement } from 'react';
import { useAppState } from '../../hooks/store-context';
import { Composer } from './Composer';
import { Timeline } from './Timeline';
import { TranscriptAnnouncer } from './TranscriptAnnouncer';

function EmptyConversation({ onOpenApiKey }: { readonly onOpenApiKey: () => void }): ReactElement {
  const apiKeySet = useAppState((state) => state.app?.apiKeySet ?? true);
  return (
    <div className="empty-conversation">
      <div className="empty-mark" aria-hidden="true">
        P
      </div>
      <h2>Ready when you are</h2>
      <p>Press Start and talk, or type a message below. Ask for something bigger and Parley hands it to your background agent.</p>
      {!apiKeySet && (
        <p>
          First, <button type="button" className="link-button" onClick={onOpenApiKey}>add your OpenAI API key</button>.
        </p>
      )}
    </div>
  );
}

export function ConversationView({ onOpenApiKey }: { readonly onOpenApiKey: () => void }): ReactElement {
  return (
    <section className="conversation" aria-label="Conversation">
      <div className="transcript" data-testid="transcript">
        <Timeline empty={<EmptyConversation onOpenApiKey={onOpenApiKey} />} />
        <TranscriptAnnouncer />
      </div>
      <Composer />
    </section>
  );
}
