ALTER TYPE "mood" ADD VALUE 'ok' AFTER 'sad';
