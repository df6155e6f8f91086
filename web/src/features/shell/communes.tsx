// Commune names of the signed-in user's scope, loaded once by the shell.
import { createContext, useContext } from 'react';
import type { Commune } from '../../api/types.ts';

export const CommunesContext = createContext<readonly Commune[]>([]);

export function useCommunes(): readonly Commune[] {
  return useContext(CommunesContext);
}

export function useCommuneName(): (insee: string | null | undefined) => string {
  const communes = useCommunes();
  return (insee) => {
    if (!insee) return '';
    const commune = communes.find((candidate) => candidate.insee === insee);
    return commune ? `${commune.name} (${insee})` : insee;
  };
}
