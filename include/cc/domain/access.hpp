#pragma once
// Who may see and act on what. Pure rules, used by services before they touch the store.
#include "cc/domain/types.hpp"

namespace cc::domain {

// Supervisors and admins see every conversation; an agent sees theirs and the waiting queue.
inline bool can_view_conversation(const Principal& principal, const Conversation& conversation) {
  if (principal.role != Role::agent) return true;
  return conversation.status == ConversationStatus::queued ||
         conversation.assignee_id == principal.agent_id;
}

inline bool is_admin(const Principal& principal) { return principal.role == Role::admin; }

}  // namespace cc::domain
